from django.http import JsonResponse
from lxml import etree

DOC = etree.parse("/srv/app/regions.xml")


def region(request):
    code = request.COOKIES.get("region", "eu")
    names = DOC.xpath("//region[@code='" + code + "']/name/text()")
    return JsonResponse({"names": [str(n) for n in names]})
