"""Staff pages for editorial stories: list, create, edit, delete. (Their images are served
publicly by ``public.story_image``.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.pagination import paginate

from ..filters import StoryFilter
from ..forms import StoryForm
from ..models import Story
from ..previews import story_previews

PER_PAGE = 25
PREVIEW = "preview"  # the name of the form's "Preview" button: show the story, do not save it


def _story_for(pk: int) -> Story:
    return get_object_or_404(Story, pk=pk)


def _form_page(request: HttpRequest, form: StoryForm, title: str) -> HttpResponse:
    """The story form; after "Preview" (a plain submit, or htmx swapping in the preview part
    only) with the story as readers will see it, and the text kept in the form, unsaved."""
    list_url = reverse("newsletters:story_list")
    previewing = request.method == "POST" and PREVIEW in request.POST
    context = {
        "form": form,
        "title": title,
        "cancel_url": list_url,
        "trail": [(_("Stories"), list_url), (title, "")],
        "previewing": previewing,
        "previews": story_previews(request.POST) if previewing else [],
    }
    return render(request, "newsletters/story_form.html", context)


@login_required
@permission_required("newsletters.view_story", raise_exception=True)
@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.prefetch_related("themes").order_by("-month", "title")
    filterset = StoryFilter(request.GET, queryset=stories)
    page = paginate(request, filterset.qs, PER_PAGE)
    return render(
        request,
        "newsletters/story_list.html",
        {
            "filter": filterset,
            "page": page,
            "stories": page.object_list,
            "kinds": Story.Kind.choices,
            "kind": request.GET.get("kind", ""),
            "q": filterset.query,
        },
    )


@login_required
@permission_required("newsletters.add_story", raise_exception=True)
@require_http_methods(["GET", "POST"])
def story_create(request: HttpRequest) -> HttpResponse:
    form = StoryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and PREVIEW not in request.POST and form.is_valid():
        story = form.save(commit=False)
        story.created_by = request.user
        with transaction.atomic():
            story.save()
            form.save_m2m()
        messages.success(request, _("Story “%(title)s” added.") % {"title": story.title})
        return redirect("newsletters:story_list")
    return _form_page(request, form, _("New story"))


@login_required
@permission_required("newsletters.change_story", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def story_update(request: HttpRequest, pk: int) -> HttpResponse:
    story = _story_for(pk)
    form = StoryForm(request.POST or None, request.FILES or None, instance=story)
    if request.method == "POST" and PREVIEW not in request.POST and form.is_valid():
        with transaction.atomic():
            story = form.save()
        messages.success(request, _("Story “%(title)s” saved.") % {"title": story.title})
        return redirect("newsletters:story_list")
    return _form_page(request, form, _("Edit story “%(title)s”") % {"title": story.title})


@login_required
@permission_required("newsletters.delete_story", raise_exception=True)
@require_http_methods(["GET", "POST"])
def story_delete(request: HttpRequest, pk: int) -> HttpResponse:
    story = _story_for(pk)
    if request.method == "POST":
        title = story.title
        with transaction.atomic():
            image = story.image.name
            story.delete()
            if image:
                transaction.on_commit(lambda: story.image.storage.delete(image))
        messages.success(request, _("Story “%(title)s” deleted.") % {"title": title})
        return redirect("newsletters:story_list")
    consequences = [
        _("Editions already assembled keep their copy of the story's text."),
    ]
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": story,
            "cancel_url": reverse("newsletters:story_list"),
            "consequences": consequences,
        },
    )
