"""The server's options, checked once, shared by the CLI and ``LocalServer``."""

from __future__ import annotations

import ipaddress

import attrs
import yarl

from .faults import FaultPlan

MODELS = ("echo", "openai")
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024  # a long chat with images as data: URLs, or long docs
MIN_MAX_BODY_BYTES = 64 * 1024
# An idle keep-alive connection, or one whose request headers have not all
# arrived, is closed after this long (longer than the SDK's own 15 s pool
# keep-alive, so clients usually close first).
DEFAULT_IDLE_TIMEOUT = 30.0


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to any address


def _shown_url(url: str | None) -> str:
    """The repr of ``model_url``: its password, if any, left out."""
    if url is None:
        return "None"
    try:
        return repr(str(yarl.URL(url).with_password(None)))
    except (TypeError, ValueError):
        return "'<not a URL>'"


def _check_model_url(url: str, key: str | None) -> None:
    """An http(s) URL with a host; credentials in it, or a key, not both."""
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        # Not quoted whole: it may hold a password.
        raise ValueError("model_url must be an http(s) URL such as https://api.openai.com/v1")
    if (parsed.user is not None or parsed.password is not None) and key:
        raise ValueError(
            "model_url carries credentials (user:password@) and a model key is given too"
            " (--model-key or OPENAI_API_KEY): the endpoint takes one Authorization; give one"
        )


@attrs.frozen(kw_only=True)
class ServerConfig:
    """Everything that decides how a server behaves; invalid values raise ``ValueError``."""

    host: str = "127.0.0.1"
    port: int = 0
    db: str | None = None
    api_key: str | None = attrs.field(default=None, repr=False)
    model: str = "echo"
    model_url: str | None = attrs.field(default=None, repr=_shown_url)
    model_key: str | None = attrs.field(default=None, repr=False)
    faults: str | None = None
    faults_seed: int | None = None
    allow_hosts: tuple[str, ...] = ()  # more Host header values to accept; "*" accepts any
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if self.model == "openai" and not self.model_url:
            raise ValueError("model 'openai' needs model_url (an OpenAI-compatible base URL)")
        if self.model != "openai" and self.model_url is not None:
            # A URL given for nothing: its user most likely meant the model behind it.
            # (Not so model_key: serve fills it from $OPENAI_API_KEY whatever the model.)
            raise ValueError(
                f"model_url is only used with model 'openai' (the model is {self.model!r})"
            )
        if self.model_url is not None:
            _check_model_url(self.model_url, self.model_key)
        if self.api_key is not None and not self.api_key.strip():
            raise ValueError("api_key must not be empty; pass None for dev mode")
        if self.api_key is None and not is_loopback(self.host):
            raise ValueError(
                f"host {self.host!r} is not a loopback address, so other machines could reach"
                " the server, and without an API key anyone who can reach it may read and change"
                " all its data (and spend the model's credits); set a key"
                " (JULEP_SERVER_API_KEY, --api-key-file) or listen on 127.0.0.1"
            )
        if self.max_body_bytes < MIN_MAX_BODY_BYTES:
            raise ValueError(
                f"max_body_bytes must be at least {MIN_MAX_BODY_BYTES}, got {self.max_body_bytes}"
            )
        if not self.idle_timeout > 0:
            raise ValueError(f"idle_timeout must be more than 0 seconds, got {self.idle_timeout}")
        for host in self.allow_hosts:
            if not host or any(c in host for c in "/ ,"):
                raise ValueError(f"allow_hosts: {host!r} is not a host name or address")
        self.fault_plan()  # a bad spec fails here, before anything starts

    def fault_plan(self) -> FaultPlan | None:
        """The parsed ``faults`` spec, or None when no faults are configured."""
        if not self.faults:
            return None
        return FaultPlan.parse(self.faults, seed=self.faults_seed)
