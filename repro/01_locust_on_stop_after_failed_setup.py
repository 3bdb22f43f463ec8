"""JulepUser's on_start retry loop makes Locust run on_stop for a user whose on_start
never completed: the stop arrives during the retry's wait (StopUser/GreenletExit),
and User.run calls on_stop.  A usual on_start/on_stop pair (create in on_start,
delete in on_stop) then crashes with AttributeError at the end of every run in
which setup failed.  Plain Locust never calls on_stop after an on_start that raised.

Exits 1 when on_stop ran although on_start never finished.
"""
import os
import sys

os.environ.setdefault("JULEP_API_KEY", "k")

import gevent
from locust import constant, task
from locust.env import Environment

from julep.locust import JulepUser

calls = {"on_start_done": 0, "on_stop": 0, "on_stop_without_setup": 0}


class Chatter(JulepUser):
    host = "http://127.0.0.1:1/api"  # nothing listens: every setup call fails
    wait_time = constant(0.2)

    def on_start(self) -> None:
        self.agent = self.client.create_agent(name="load")
        calls["on_start_done"] += 1

    @task
    def t(self) -> None:
        self.client.get_agent(self.agent.id)

    def on_stop(self) -> None:
        calls["on_stop"] += 1
        if not hasattr(self, "agent"):
            calls["on_stop_without_setup"] += 1


env = Environment(user_classes=[Chatter])
runner = env.create_local_runner()
runner.start(1, spawn_rate=10)
gevent.sleep(1.0)
runner.quit()
print(calls)
sys.exit(1 if calls["on_stop_without_setup"] else 0)
