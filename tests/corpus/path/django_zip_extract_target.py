import shutil

from django.http import JsonResponse


def restore_backup(request):
    target = request.POST["target_dir"]
    shutil.unpack_archive("/backups/latest.zip", target)
    return JsonResponse({"restored_to": target})
