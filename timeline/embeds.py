"""Which embedded media we can show as a player, and at which address.

Only providers listed in the Content Security Policy's frame-src get an iframe; anything else
is rendered as a plain link, so an editor cannot frame an arbitrary site on our pages.
"""

import re

_PLAYERS = [
    (
        re.compile(r"^https://(?:www\.|m\.)?youtube\.com/watch\?(?:.*&)?v=([\w-]{11})(?:[&#].*)?$"),
        "https://www.youtube-nocookie.com/embed/{}",
    ),
    (
        re.compile(r"^https://youtu\.be/([\w-]{11})(?:[?#].*)?$"),
        "https://www.youtube-nocookie.com/embed/{}",
    ),
    (
        re.compile(r"^https://(?:www\.)?vimeo\.com/(\d+)(?:[?#].*)?$"),
        "https://player.vimeo.com/video/{}",
    ),
]


def player_url(url):
    for pattern, template in _PLAYERS:
        if match := pattern.match(url or ""):
            return template.format(match.group(1))
    return None
