"""julep 0.3.9 defined ChatMlMessageContentItem_Text (and _ImageUrl, and the
InputChatMlMessageContentItem_* pair) in julep.api.types.chat_ml_message_content_item
(resp. input_chat_ml_message_content_item); those modules now hold only the
union alias, so 0.3.9 code importing the members from there fails.
"""
import sys

failed = 0
for module, name in [
    ("chat_ml_message_content_item", "ChatMlMessageContentItem_Text"),
    ("chat_ml_message_content_item", "ChatMlMessageContentItem_ImageUrl"),
    ("input_chat_ml_message_content_item", "InputChatMlMessageContentItem_Text"),
    ("input_chat_ml_message_content_item", "InputChatMlMessageContentItem_ImageUrl"),
]:
    try:
        exec(f"from julep.api.types.{module} import {name}")
        print("ok  ", module, name)
    except ImportError as exc:
        print("FAIL", exc)
        failed += 1
sys.exit(1 if failed else 0)
