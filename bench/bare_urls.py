"""The URLconf of bench/wsgi.py's bare handler: the ceiling view and nothing else."""

from django.urls import path

from bench.ceiling import ceiling

urlpatterns = [path("bench/bare/", ceiling, name="bench_bare")]
