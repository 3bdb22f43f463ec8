"""The 36 operations, each written once as an ``async def``, grouped by API area."""
