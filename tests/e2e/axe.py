"""axe-core on every page a browser test visits (issue 13, item 9).

The ``page`` fixture (tests/e2e/conftest.py) attaches an :class:`AxeCollector` to each test's
browser context:

- an init script (``tests/e2e/vendor/axe.min.js`` plus a few lines) runs in every new top-level
  HTML document of the live server; it reports "started" at once, runs ``axe.run`` once when the
  document has loaded (in the page, while the test goes on) and reports the violations through a
  binding;
- a route on the live server's pages holds a navigation that would leave a document (a link, a
  form post, ``page.goto``) until that document has reported, and teardown waits for the last
  one. So every loaded document is checked once, and none is missed because the test moved on
  quickly; a document left before its load event (a test that clicks on as soon as what it
  needs is visible) is not held for, since its own requests may be what the load waits for.

Init scripts, bindings and routes are browser tooling outside the page's Content-Security-Policy:
the app's CSP stays on (``bypass_csp`` is not used), so a test still sees a blocked inline script.

``AXE=0`` in the environment turns the check off (to measure what it costs).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AXE_SOURCE = Path(__file__).with_name("vendor") / "axe.min.js"
# WCAG 2.1 A and AA, plus axe's best practices (headings, landmarks, regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Third-party markup we cannot change, each with its reason. Keep this list short.
AXE_EXCLUDE: list[str] = []
# Rules that do not apply to a document, by its path: each with its reason.
AXE_RULES_OFF_FOR = [
    # The newsletter email's own HTML shown as it is (the staff preview): a table layout for mail
    # clients, where page landmarks (<main>, regions) have no meaning; every WCAG rule still runs.
    (r"^/newsletter/editions/\d+/preview/", ["landmark-one-main", "region"]),
]
RESULT_TIMEOUT_S = 60.0  # generous, as the other browser timeouts: the machine is shared

_RUNNER = """
(() => {
  if (window.top !== window || !/^https?:$/.test(location.protocol)) return;
  if (document.contentType !== "text/html") return;
  const report = window.__axeReport;
  const doc = {id: Math.random().toString(36).slice(2), url: location.href};
  report({...doc, state: "started"});
  const options = {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"], rules: {}};
  for (const [pattern, rules] of %(rules_off)s) {
    if (new RegExp(pattern).test(location.pathname)) {
      rules.forEach((rule) => { options.rules[rule] = {enabled: false}; });
    }
  }
  const exclude = %(exclude)s.map((selector) => [selector]);
  const summary = (results) => results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
  const run = () => (report({...doc, state: "running"}), window.axe.run(exclude.length ? {exclude} : document, options)).then(
    (results) => report({...doc, state: "done", violations: summary(results)}),
    (error) => report({...doc, state: "done", error: String(error)}),
  );
  if (document.readyState === "complete") run();
  else window.addEventListener("load", () => setTimeout(run, 0), {once: true});
})();
"""


def enabled() -> bool:
    return os.environ.get("AXE", "1") != "0"


def init_script() -> str:
    runner = _RUNNER % {
        "tags": json.dumps(AXE_TAGS),
        "exclude": json.dumps(AXE_EXCLUDE),
        "rules_off": json.dumps(AXE_RULES_OFF_FOR),
    }
    return AXE_SOURCE.read_text(encoding="utf-8") + "\n" + runner


@dataclass
class AxeCollector:
    """Collects axe's violations of each document the pages of a browser context load;
    :meth:`report` lists them."""

    context: Any
    results: list[dict[str, Any]] = field(default_factory=list)
    running: dict[str, Any] = field(default_factory=dict)  # document id: its page
    checking: set[str] = field(default_factory=set)  # documents whose axe.run has begun

    def attach(self, base_url: str) -> None:
        self.context.expose_binding("__axeReport", self._on_report)
        self.context.add_init_script(script=init_script())
        # Only the app's own pages: static files and media pass untouched.
        pattern = re.compile(re.escape(base_url) + r"/(?!static/|media/)")
        self.context.route(pattern, self._before_request)

    def _on_report(self, source: dict[str, Any], report: dict[str, Any]) -> None:
        state = report.pop("state")
        if state == "started":
            self.running[report["id"]] = source["page"]
        elif state == "running":
            self.checking.add(report["id"])
        else:
            self.running.pop(report["id"], None)
            self.checking.discard(report["id"])
            self.results.append(report)

    def _before_request(self, route: Any) -> None:
        request = route.request
        try:
            frame = request.frame if request.is_navigation_request() else None
        except Exception:  # a request without a frame (a service worker's): not a page
            frame = None
        if frame is not None and frame.parent_frame is None:
            self._leave_unloaded(frame.page)
            self.wait(frame.page)
        route.fallback()

    def _leave_unloaded(self, page: Any) -> None:
        """A document left before its load event is not checked: its check would start only
        after the load, and the load may wait for a request of its own that cannot be served
        while this navigation is held (a deadlock until the timeout)."""
        for document, owner in list(self.running.items()):
            if owner is page and document not in self.checking:
                del self.running[document]

    def wait(self, page: Any = None) -> None:
        """Until the page's (or every page's) running check has reported. (The page itself
        cannot be asked while its navigation is held, so each round trip asks the context, which
        lets the binding's report in.)"""
        deadline = time.monotonic() + RESULT_TIMEOUT_S
        while any(page in (None, owner) for owner in self.running.values()):
            if time.monotonic() > deadline:
                self.results += [
                    {"url": "(a document)", "error": "axe did not finish"} for _ in self.running
                ]
                self.running.clear()
                return
            self.context.cookies()

    def violations(self) -> list[tuple[str, str, str, str]]:
        """``(rule, impact, target, url)`` of every violation, each once."""
        found: dict[tuple[str, str, str, str], None] = {}
        for result in self.results:
            if "error" in result:
                found[("axe-error", "", result["error"], result["url"])] = None
            for violation in result.get("violations", []):
                for target in violation["targets"]:
                    found[(violation["id"], violation["impact"] or "", target, result["url"])] = (
                        None
                    )
        return list(found)

    def report(self) -> str:
        rows = self.violations()
        if not rows:
            return ""
        helps = {
            v["id"]: v["help"] for result in self.results for v in result.get("violations", [])
        }
        lines = [f"axe-core found {len(rows)} accessibility violation(s):"]
        for rule, impact, target, url in sorted(rows):
            lines.append(f"  {rule} ({impact}): {target}  on {url}  [{helps.get(rule, '')}]")
        return "\n".join(lines)
