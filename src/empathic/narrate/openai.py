"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp).

Standard library only (``urllib``). Every message is scrubbed of e-mail addresses, phone numbers
and @handles right before it leaves the process, whatever the caller did before. The key is read
from the variable named by ``narrate.api_key_env``, never from a file.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from empathic.config import NarrateSettings
from empathic.errors import LLMEndpointError
from empathic.narrate.guards import scrub


class OpenAILLM:
    """Chat completions over HTTP; implements the :class:`~empathic.narrate.base.LLM` protocol.

    >>> llm = OpenAILLM(base_url="http://127.0.0.1:9/v1", model="m")
    >>> llm.url, llm.external
    ('http://127.0.0.1:9/v1/chat/completions', True)
    """

    name = "openai"
    external = True

    def __init__(self, *, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: NarrateSettings) -> OpenAILLM:
        return cls(
            base_url=settings.base_url,
            model=settings.model,
            api_key=os.environ.get(settings.api_key_env) or None,
            timeout=settings.timeout,
        )

    @property
    def url(self) -> str:
        base = self.base_url.rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"

    def complete(
        self, messages: Sequence[Mapping[str, str]], *, max_tokens: int = 160, temperature: float = 0.7, seed: int = 0
    ) -> str:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m["role"], "content": scrub(m["content"])[0]} for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": seed,
        }
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise LLMEndpointError(
                f"The endpoint {self.url} answered HTTP {exc.code}: {detail}",
                hint="Check narrate.base_url, narrate.model and the key in the variable named by narrate.api_key_env.",
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise LLMEndpointError(
                f"Could not reach the endpoint {self.url}: {exc}.",
                hint="Start the server or set narrate.base_url (EMPATHIC_NARRATE_BASE_URL); "
                "use --llm extractive to work offline.",
            ) from None
        except ValueError:
            raise LLMEndpointError(f"The endpoint {self.url} did not answer with JSON.") from None
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMEndpointError(
                f"The endpoint {self.url} answered without choices[0].message.content: {str(payload)[:200]}",
                hint="Is it an OpenAI-compatible chat-completions endpoint?",
            ) from None
        return content or ""
