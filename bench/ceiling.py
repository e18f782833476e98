"""
The benchmark's ceiling: the cheapest page this Django project can serve.

It runs through the whole middleware stack like every page, then does nothing: no query, no
template. newsroom/urls.py routes /bench/ceiling/ to it only when BENCH_CEILING=1 (bench/run.py
sets it), and it is never stored by the page cache, so it costs the same cold and warm.
"""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def ceiling(request):
    return HttpResponse(b"ok\n", content_type="text/plain")
