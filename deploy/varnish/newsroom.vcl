vcl 4.1;
# Varnish in front of the app servers (docs/OPERATIONS.md): keeps public pages, purges them by
# surrogate key (xkey) when the app says a write made them stale, never keeps anything of a
# signed-in editor's. scripts/serve-varnish fills in the backend and the purgers.

import std;
import xkey;

backend default {
    .host = "@BACKEND_HOST@";
    .port = "@BACKEND_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # Ready means the database and caches answer (/readyz). While the app is not, readers get
    # the pages Varnish kept, however old (grace below), instead of errors.
    .probe = {
        .url = "/readyz";
        .interval = 2s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Only the app servers may purge.
acl purgers {
    @PURGERS@
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        # A soft purge (what the app sends after a save) marks the pages stale: the next
        # reader within a second gets the kept copy while Varnish fetches the new one behind
        # it, so a save on a busy morning costs no reader a wait. A hard purge (xkey-purge:
        # a takedown, an operator) drops them at once.
        if (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } else if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } else {
            return (synth(400, "PURGE needs an xkey-softpurge or xkey-purge header"));
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }

    # A stale copy is served for at most a second past its time (or its soft purge) while a
    # fresh one is fetched; longer only while the app is down.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 1s;
    }

    # One copy per page, however the address is written: no fragment, sorted query, and only
    # the parameters some page reads (search, the timeline filter, pages): a flood of unique
    # query strings maps onto the few pages there are.
    set req.url = regsub(req.url, "#.*$", "");
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "([?&])(?!(?:q|type|tag|year|page|p|date_from|date_to|precision|key|words)=)[^&]*",
            "\1");
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }

    # Editors, previews, forms and the admin go straight through, every time.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|preview|editorial)/" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # An anonymous reader's other cookies (analytics, a stale csrftoken) change nothing we serve.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Static files have hashed names and a year's max-age (whitenoise): keep them as they say.
    if (bereq.url ~ "^/static/" && beresp.http.Cache-Control ~ "public") {
        return (deliver);
    }
    # The app says what may be shared (Cache-Control public with s-maxage) and names its keys
    # (xkey). Anything else is not kept, not even briefly.
    if (!beresp.http.xkey || beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # If the app is down, a page a little past its time beats an error.
    set beresp.grace = 1h;
    # Kept compressed: a page goes out in a fifth of its bytes to every browser (they all
    # ask for gzip), and is unzipped on the way out for a client that does not.
    if (beresp.http.Content-Type ~ "^(text/|application/(xml|rss\+xml|atom\+xml|json|ld\+json|xhtml\+xml))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are for us; readers need not see the inventory (a benchmark asks for it, and
    # for the address it asked, to count hits per page).
    if (req.http.X-Debug-Keys) {
        set resp.http.X-Url = req.url;
        # Seconds of freshness left: at or below 0, a stale copy served during a refetch.
        set resp.http.X-Ttl = obj.ttl;
    } else {
        unset resp.http.xkey;
    }
}
