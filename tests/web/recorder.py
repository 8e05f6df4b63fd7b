"""What the page hears on its WebSocket, relayed frame by frame, with one cut to test resume."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Page, WebSocketRoute

WS_PATH = re.compile(r"/api/v1/ws\b")
CLOSE_SERVICE_RESTART = 1012

# Every progress bar, state and status line in the job list, recorded on each change, so a
# test sees values that were on screen only for a moment.
WATCH_JOBS = """() => {
  window.seen = [];
  const record = () => {
    for (const card of document.querySelectorAll("#job-list .job")) {
      const row = { id: card.dataset.jobId, state: card.dataset.state,
                    value: card.querySelector("progress").getAttribute("value"),
                    status: card.querySelector(".status").textContent };
      const last = window.seen.findLast((r) => r.id === row.id);
      if (!last || ["state", "value", "status"].some((k) => last[k] !== row[k])) {
        window.seen.push(row);
      }
    }
  };
  new MutationObserver(record).observe(document.getElementById("job-list"),
    { subtree: true, childList: true, attributes: true, characterData: true });
}"""


@dataclass
class Connection:
    url: str
    frames: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_event_id(self) -> str | None:
        return parse_qs(urlsplit(self.url).query).get("last_event_id", [None])[0]


@dataclass
class SocketRecorder:
    """Relays the real server's frames; cuts the first connection after `cut_after` once."""

    cut_after: str | None = None
    connections: list[Connection] = field(default_factory=list)

    def install(self, page: Page) -> None:
        page.route_web_socket(WS_PATH, self._relay)

    def _relay(self, route: WebSocketRoute) -> None:
        connection = Connection(route.url)
        self.connections.append(connection)
        server = route.connect_to_server()
        open_ = True

        def from_server(message: str | bytes) -> None:
            nonlocal open_
            if not open_:
                return
            frame = json.loads(message)
            connection.frames.append(frame)
            route.send(message)
            if self.cut_after and frame.get("type") == self.cut_after:
                self.cut_after = None
                open_ = False
                route.close(code=CLOSE_SERVICE_RESTART, reason="restart")
                server.close()

        server.on_message(from_server)
        route.on_message(server.send)

    def events(self, job_id: str) -> list[dict[str, Any]]:
        """The events of one job the page received, over all its connections, in order."""
        return [f for c in self.connections for f in c.frames if f.get("job_id") == job_id]
