"""``python -m julep bench``: load-test a Julep deployment, or the embedded local server.

Modules, one job each:

- ``cli``: the command line, and the order of the steps of a run;
- ``config``: what a run does, and each process's share of it;
- ``server``: the embedded server, in a child process;
- ``target``: the session the chats go to (and the agent and user made for it);
- ``runner``: the load of one process (closed or open loop, whole or streamed chat);
- ``parallel``: the load spread over several processes, their results merged;
- ``histogram`` and ``stats``: what is measured, in mergeable form;
- ``progress``, ``report`` and ``plot``: what is shown and written;
- ``errors``: ``BenchError``, what the user is told when a run cannot go on.
"""
