"""Small .json()/.dict() differences from julep 0.3.9 for the same decoded model:
- .json() writes UTC datetimes as +00:00 (0.3.9: Z); the repo's own parity test normalizes this;
- .dict(exclude_defaults=True) drops a content part's "type" (0.3.9's part classes required it,
  so it was never a default and stayed)."""
import sys

import julep
from julep._serde import converter

message = converter.structure(
    {"id": "m", "role": "user", "content": [{"type": "text", "text": "hi"}],
     "created_at": "2024-05-01T12:00:00Z"},
    julep.ChatMlMessage,
)
diffs = []
if '"2024-05-01T12:00:00Z"' not in message.json():
    diffs.append(f".json() created_at: {message.json()} (0.3.9: 2024-05-01T12:00:00Z)")
parts = message.dict(exclude_defaults=True)["content"]
if parts != [{"type": "text", "text": "hi"}]:
    diffs.append(f".dict(exclude_defaults=True) content: {parts} (0.3.9 kept type)")
for line in diffs:
    print("DIFF:", line)
sys.exit(1 if diffs else 0)
