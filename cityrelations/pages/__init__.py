"""The cross-app layer: pages that read every app (dashboard, global search, the embedded
mode's mailbox). Nothing below it, no app and not ``cityrelations.core``, imports it."""
