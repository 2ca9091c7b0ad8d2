"""The relationship core: cities, partnerships, organisations, memberships, agreements, contacts
and offices, interactions, cooperation projects, business opportunities, themes and SDGs — one module per concept."""

from .activity import Interaction, InteractionQuerySet, Project
from .agreements import (
    DOCUMENT_LANGUAGES,
    Agreement,
    AgreementDocument,
    AgreementQuerySet,
    agreement_upload_to,
)
from .base import (
    SDG,
    City,
    Continent,
    Currency,
    Theme,
    TimeStamped,
    city_name_matches,
    city_name_order,
    currency_field,
    home_cities,
    home_city_partner_refusal,
    local_city_name,
)
from .fees import FeePayment, FeePaymentQuerySet
from .opportunities import Opportunity, OpportunityQuerySet
from .organizations import Membership, MembershipQuerySet, Organization
from .partnerships import Partnership, PartnershipQuerySet
from .people import (
    Contact,
    ContactQuerySet,
    MergedContact,
    Office,
    OfficeQuerySet,
)
from .tasks import ReminderDigestRun, Task, TaskQuerySet, week_end

__all__ = [
    "DOCUMENT_LANGUAGES",
    "SDG",
    "Agreement",
    "AgreementDocument",
    "AgreementQuerySet",
    "City",
    "Contact",
    "ContactQuerySet",
    "Continent",
    "Currency",
    "FeePayment",
    "FeePaymentQuerySet",
    "Interaction",
    "InteractionQuerySet",
    "Membership",
    "MembershipQuerySet",
    "MergedContact",
    "Office",
    "OfficeQuerySet",
    "Opportunity",
    "OpportunityQuerySet",
    "Organization",
    "Partnership",
    "PartnershipQuerySet",
    "Project",
    "ReminderDigestRun",
    "Task",
    "TaskQuerySet",
    "Theme",
    "TimeStamped",
    "agreement_upload_to",
    "city_name_matches",
    "city_name_order",
    "currency_field",
    "home_cities",
    "home_city_partner_refusal",
    "local_city_name",
    "week_end",
]
