"""The admin's upload forms: every file goes through images.uploads before it is stored."""

from django import forms
from django.core.exceptions import ValidationError

from images import uploads
from images.models import Image
from timeline.models import Tag


def _alt_required():
    return ValidationError(
        "Describe the picture, or mark it decorative if it adds nothing a reader needs.",
        code="alt_text_required",
    )


class CheckedImageField(forms.ImageField):
    """An image field whose cleaned value is the checked, metadata-free copy."""

    default_error_messages = {
        **forms.ImageField.default_error_messages,
        "empty": "This file is empty (0 bytes).",
    }

    def to_python(self, data):
        # Django's own check opens the picture with no pixel limit: ours comes first.
        if data in self.empty_values:
            return None
        return uploads.clean_upload(data)


class ImageForm(forms.ModelForm):
    file = CheckedImageField(
        label="Picture",
        help_text="JPEG, PNG, WebP or GIF, up to 20 MB and 50 megapixels. Camera and location "
        "data are removed.",
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "is_decorative",
            "caption",
            "credit",
            "copyright",
            "source_url",
            "tags",
            "focal_x",
            "focal_y",
        ]
        widgets = {"focal_x": forms.HiddenInput, "focal_y": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_decorative") and not cleaned.get("alt_text", "").strip():
            self.add_error("alt_text", _alt_required())
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(CheckedImageField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f not in self.empty_values]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append((upload.name, super().clean(upload, initial)))
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {message}" for message in exc.messages)
        if errors:
            # One bad file stops the batch: nothing is stored until every file is acceptable.
            raise ValidationError(errors, code="invalid_batch")
        return cleaned


class BulkUploadForm(forms.Form):
    """Several pictures at once, sharing a credit and licence; each gets a title from its name."""

    files = MultipleImageField(
        label="Pictures", help_text="Select several files at once (JPEG, PNG, WebP or GIF)."
    )
    alt_text = forms.CharField(
        label="Alt text",
        max_length=300,
        required=False,
        help_text="Given to every picture of the batch: describe each one on its own page "
        "afterwards. Required unless the pictures are decorative.",
    )
    credit = forms.CharField(max_length=200, required=False)
    copyright = forms.CharField(label="Copyright / licence", max_length=200, required=False)
    is_decorative = forms.BooleanField(
        label="Decorative",
        required=False,
        help_text="They add nothing a reader needs: shown with empty alt text.",
    )
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all(), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_decorative") and not cleaned.get("alt_text", "").strip():
            self.add_error("alt_text", _alt_required())
        return cleaned
