"""Sign-in throttling for every sign-in that arrives over HTTP."""

from axes.backends import AxesStandaloneBackend


class ThrottledBackend(AxesStandaloneBackend):
    """
    django-axes' check, applied when there is a request to throttle.

    Django's login views always pass the request. A call without one (the test client's
    login(), a shell, a management command) comes from someone already on the server, and is
    left to the next backend instead of failing outright as django-axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
