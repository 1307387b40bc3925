import xml.etree.ElementTree as ET

from django.http import JsonResponse


def books_by_author(request):
    author = request.GET.get("author", "")
    root = ET.parse("/srv/library/catalog.xml").getroot()
    books = root.findall(".//book[author='" + author + "']")
    return JsonResponse({"titles": [b.findtext("title") for b in books]})
