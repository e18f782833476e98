from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        # A comment shows on its article's page only: moderating it purges that page alone.
        from comments.models import Comment
        from httpcache import signals
        from timeline.site import surrogate_keys

        signals.register(Comment, lambda comment: {surrogate_keys.article(comment.article_id)})
