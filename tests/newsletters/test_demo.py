"""The newsletter demo data: every subscriber state, stories, a draft and a sent edition; and
every newsletter page renders with it (including an approval whose approver was deleted)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsletters.assembly import previous_month
from newsletters.demo.seed import seed_newsletters
from newsletters.models import Edition, Story, Subscriber, Suppression

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_covers_every_state(staff_client, mayor_client):
    first = seed_newsletters()
    second = seed_newsletters()
    assert first["subscribers created"] == 20
    assert second["subscribers created"] == 0
    assert second["subscribers"] == 20
    assert set(Subscriber.objects.values_list("status", flat=True)) == set(Subscriber.Status.values)
    assert Suppression.objects.count() == 5
    draft = Edition.objects.get(month=previous_month())
    assert draft.status == Edition.Status.DRAFT and draft.items.count() >= 3
    sent = Edition.objects.get(status=Edition.Status.SENT)
    assert sent.deliveries.count() > 0
    urls = [
        reverse("newsletters:edition_list"),
        draft.get_absolute_url(),
        sent.get_absolute_url(),
        reverse("newsletters:subscriber_list"),
        reverse("newsletters:suppression_list"),
        reverse("newsletters:story_list"),
    ]
    personal = {reverse("newsletters:subscriber_list"), reverse("newsletters:suppression_list")}
    for url in urls:
        assert staff_client.get(url).status_code == 200, url
        # Citizens' personal data: the mayor's office reads the editions' counts, not people.
        assert mayor_client.get(url).status_code == (403 if url in personal else 200), url
    page = staff_client.get(sent.get_absolute_url())
    assert page.context["stats"]["recipients"] == sent.deliveries.count()
    public = staff_client.get(
        reverse("newsletters:edition_public", args=[sent.month.strftime("%Y-%m")])
    )
    assert public.status_code == 200


def test_the_demo_edition_and_stories_are_written_in_both_languages():
    seed_newsletters()
    draft = Edition.objects.get(month=previous_month())
    assert draft.title_hu.startswith("Hírlevél") and draft.title_en.startswith("Newsletter")
    assert "Kedves Olvasóink!" in draft.introduction_hu
    assert "Dear readers" in draft.introduction_en
    for story in Story.objects.all():
        assert story.title_en and story.title_hu and story.body_en and story.body_hu
    stories = draft.items.filter(kind="story")
    assert stories.count() == 3
    assert all(item.title_hu and item.body_hu for item in stories)
    assert "Fákkal hűtött város: mit tanulhatunk Bécstől?" in {i.title_hu for i in stories}
