"""The seed's own create_agent_doc / create_user_doc example (CreateDoc(title="title")) fails before
any request in both clients, but 0.3.9 raised pydantic.ValidationError (a ValueError); here TypeError.
Code doing `except ValueError` around model building no longer catches it."""
import sys
from julep.api import CreateDoc
try:
    CreateDoc(title="title")
except ValueError as e:
    print("ValueError as 0.3.9's ValidationError:", e); sys.exit(0)
except Exception as e:
    print("differs from 0.3.9:", type(e).__name__, e); sys.exit(1)
