from django import forms

PASSWORD_FIELD = "password"
TOKEN_HEADER = "X-Auth-Token"


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if not data.get(PASSWORD_FIELD):
            raise forms.ValidationError("password required")
        return data
