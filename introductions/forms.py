from django import forms


class IntroRequestForm(forms.Form):
    note = forms.CharField(
        label="A short note for them",
        max_length=600,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": (
                    "What made you curious about them, and what would you like to "
                    "hear about? A question goes further than a pitch."
                ),
            }
        ),
        help_text="Curious and listening-first works best. They see it with the "
        "invitation; your email address stays private until they say yes.",
    )
