import xml.etree.ElementTree as ET

from django.http import JsonResponse


def books_by_author(request):
    author = request.GET.get("author", "")
    root = ET.parse("/srv/library/catalog.xml").getroot()
    books = [b for b in root.findall(".//book") if b.findtext("author") == author]
    return JsonResponse({"titles": [b.findtext("title") for b in books]})
