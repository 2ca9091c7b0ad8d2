"""Django's account pages, with the limits they lack (``django.contrib.auth.urls`` is mounted
after these, so the names and templates stay Django's), and the account's own language."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView, redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityrelations.core.client_ip import client_ip
from cityrelations.core.languages import (
    ACCOUNT_LANGUAGE_KEY,
    activate_for_request,
    browser_language,
    set_language_cookie,
)
from cityrelations.core.models import AccountSettings
from cityrelations.core.tasks import enqueue_on_commit
from cityrelations.core.throttle import password_reset_allowed
from cityrelations.core.views import safe_next
from cityrelations.mfa.policy import second_step_pending

from . import tasks

logger = logging.getLogger(__name__)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, except that each reset email leaves from a task enqueued on commit, not
    inside the request, and is built by ``account_emails`` from our own template triple (Django's
    template names are not used). Like Django's own send, a failure to enqueue is logged, not
    raised: an error page only for existing accounts would tell a stranger which addresses have
    one."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user_id = context["user"].pk
        options = {
            "domain": context["domain"],
            "site_name": context["site_name"],
            "protocol": context["protocol"],
            "from_email": from_email,
        }
        enqueue_on_commit(tasks.send_password_reset_email, user_id, to_email, **options)


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, limited per address and per client (axes does not cover it).

    Over the limit the answer is the usual "check your inbox" page and no email goes out:
    anything else would tell a stranger that the limit, and so perhaps an account, exists.
    Invalid forms do not count (the form shows its error as usual)."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        ip = client_ip(self.request)
        if not password_reset_allowed(email=form.cleaned_data["email"], ip=ip):
            logger.warning("Password reset over its rate limit; no email sent (client %s)", ip)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = ThrottledPasswordResetView.as_view()


class AccountLanguageForm(forms.ModelForm):
    """The user menu's choice: a language the site offers, or "" for the browser's."""

    class Meta:
        model = AccountSettings
        fields = ["language"]


@require_POST
def account_language(request: HttpRequest) -> HttpResponse:
    """Keep the language chosen in the user menu on the account, and show the next page in it
    (the session and the language cookie follow, see ``core.languages``). A language the site
    does not offer changes nothing and says so.

    A session that has passed only the password step (this view is open to it, so that the
    second step can be read in one's language) changes its own language, not the account's.
    A visitor (a session that expired under the menu) is asked to log in, then comes back to
    the page they were on: ``login_required`` would bring them back to this POST-only URL."""
    target = safe_next(request, reverse("dashboard"))
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    form = AccountLanguageForm(request.POST)
    if "language" not in request.POST or not form.is_valid():
        messages.error(request, _("That language is not offered here; nothing was changed."))
        return HttpResponseRedirect(target)
    language = form.cleaned_data["language"]
    if not second_step_pending(request):
        # update_or_create: a double submit must not race into the one-row-per-user constraint.
        AccountSettings.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[ACCOUNT_LANGUAGE_KEY] = language
    activate_for_request(request, language or browser_language(request))
    if language:
        name = translation.get_language_info(language)["name_translated"]
        messages.success(request, _("Language changed: %(language)s.") % {"language": name})
    else:
        messages.success(request, _("The pages now follow your browser's language."))
    response = HttpResponseRedirect(target)
    set_language_cookie(response, language)
    return response
