"""Which embedded media we can show as a player, and at which address.

Only providers listed in the Content Security Policy's frame-src get an iframe; anything else
is rendered as a plain link, so an editor cannot frame an arbitrary site on our pages.
"""

import re
from urllib.parse import urlsplit

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
        # dnt=1: Vimeo's player sets no tracking cookie (YouTube's: the nocookie domain).
        "https://player.vimeo.com/video/{}?dnt=1",
    ),
]


def player_url(url):
    for pattern, template in _PLAYERS:
        if match := pattern.match(url or ""):
            return template.format(match.group(1))
    return None


# Provider names by the address's host (its last labels): what an embed shows beside its title
# when the editor leaves the provider empty.
PROVIDERS = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "vimeo.com": "Vimeo",
    "dailymotion.com": "Dailymotion",
    "dai.ly": "Dailymotion",
    "soundcloud.com": "SoundCloud",
    "spotify.com": "Spotify",
    "podcasts.apple.com": "Apple Podcasts",
    "twitch.tv": "Twitch",
    "tiktok.com": "TikTok",
    "archive.org": "Internet Archive",
    "bandcamp.com": "Bandcamp",
    "mixcloud.com": "Mixcloud",
}


def provider_name(url):
    """The provider of a media address (YouTube, Vimeo, SoundCloud…), else its host, or ""."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    labels = host.removeprefix("www.").removeprefix("m.").split(".")
    for size in (3, 2):
        if (name := PROVIDERS.get(".".join(labels[-size:]))) is not None:
            return name
    return ".".join(labels)
