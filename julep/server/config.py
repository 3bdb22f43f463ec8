"""The server's options, checked once, shared by the CLI and ``LocalServer``."""

from __future__ import annotations

import attrs

from .faults import FaultPlan

MODELS = ("echo", "openai")


@attrs.frozen(kw_only=True)
class ServerConfig:
    """Everything that decides how a server behaves; invalid values raise ``ValueError``."""

    host: str = "127.0.0.1"
    port: int = 0
    db: str | None = None
    api_key: str | None = attrs.field(default=None, repr=False)
    model: str = "echo"
    model_url: str | None = None
    model_key: str | None = attrs.field(default=None, repr=False)
    faults: str | None = None
    faults_seed: int | None = None

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if self.model == "openai" and not self.model_url:
            raise ValueError("model 'openai' needs model_url (an OpenAI-compatible base URL)")
        if self.api_key is not None and not self.api_key.strip():
            raise ValueError("api_key must not be empty; pass None for dev mode")
        self.fault_plan()  # a bad spec fails here, before anything starts

    def fault_plan(self) -> FaultPlan | None:
        """The parsed ``faults`` spec, or None when no faults are configured."""
        if not self.faults:
            return None
        return FaultPlan.parse(self.faults, seed=self.faults_seed)
