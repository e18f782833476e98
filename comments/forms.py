from django import forms

from comments.models import Comment

BODY_MAX_LENGTH = 5000


class CommentForm(forms.ModelForm):
    """
    A reader's comment, plus a honeypot: `website` is hidden from people by CSS (the
    comment-form__trap class) and from screen readers (aria-hidden), so only a bot fills it in.
    """

    body = forms.CharField(
        label="Comment", max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Comment
        fields = ["name", "email", "body"]
        labels = {"name": "Name", "email": "E-mail"}
        help_texts = {"email": "Never shown. Our editors may use it to reply to you."}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def caught_a_bot(self):
        """The honeypot was filled in: drop the post without a word."""
        return bool(self.data.get("website", "").strip())
