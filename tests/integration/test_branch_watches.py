"""Branch watches on the distributed setup: real `websockets` clients acting as watches on two Daphne servers,
Redis as the channel layer, PostgreSQL, and a Celery worker running the demand analysis. A kiosk ticket reaches
the bound watches of its branch only; a watch offline during the ticket gets the task when it reconnects; two
watches on different servers race to accept and exactly one owns the task; what the customer says re-ranks the
top 3; the feedback's match score is stored."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
import websockets

from branch.models import Branch, Task, TaskFeedback
from branch.tokens import issue_kiosk_token, register_wearable
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, ProductFactory, UserFactory, sofa_on_sale
from tests.servers import celery_worker, daphne_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def post_ticket(base_url: str, kiosk_token: str, number: str) -> dict:
    body = {"branch": "sz-nanshan", "number": number, "phone": "13912345678", "business": "家居"}
    request = urllib.request.Request(
        f"{base_url}/api/branch/tickets/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Kiosk {kiosk_token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class Watch:
    def __init__(self, base_url: str, token: str) -> None:
        self.url = base_url.replace("http", "ws") + "/ws/wearable/"
        self.origin = base_url
        self.token = token

    async def __aenter__(self) -> Watch:
        self.ws = await websockets.connect(self.url, additional_headers={"Origin": self.origin})
        await self.ws.send(json.dumps({"action": "auth", "token": self.token}))
        assert (await self.next("ready"))["type"] == "ready"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def next(self, wanted: str, timeout: float = 30.0) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == wanted:
                    return frame

    async def nothing_of(self, wanted: str, seconds: float = 1.5) -> bool:
        try:
            await self.next(wanted, timeout=seconds)
        except TimeoutError:
            return True
        return False


def test_watches_over_redis_receive_race_rerank_and_give_feedback() -> None:
    reseed_migrated_defaults()
    sofa_on_sale()
    ProductFactory(name="奶油风模块沙发", price=8999)
    nanshan = Branch.objects.create(code="sz-nanshan", name="南山支行")
    Branch.objects.create(code="sz-futian", name="福田支行")
    kiosk_token = issue_kiosk_token(nanshan)
    tokens = [register_wearable(f"watch-{i}", staff=UserFactory(role="branch_staff"))[1] for i in range(3)]
    CustomerFactory(phone="13912345678")

    with daphne_server() as first, daphne_server() as second, celery_worker(queues="default,inference"):

        async def scenario() -> dict:
            async with Watch(first, tokens[0]) as a, Watch(second, tokens[1]) as b, Watch(first, tokens[2]) as c:
                for watch, branch in ((a, "sz-nanshan"), (b, "sz-nanshan"), (c, "sz-futian")):
                    await watch.send({"action": "bind", "branch": branch})
                    await watch.next("bound")
                # A ticket reaches the bound watches of its branch, across servers, and not the other branch.
                task_id = (await asyncio.to_thread(post_ticket, first, kiosk_token, "A001"))["task"]
                assert (await a.next("task"))["task"]["id"] == task_id
                offered = await b.next("task")
                assert offered["task"]["id"] == task_id and offered["task"]["recommendations"]
                assert await c.nothing_of("task")
                # Both race to accept: exactly one owns it.
                await a.send({"action": "accept", "task": task_id})
                await b.send({"action": "accept", "task": task_id})
                taken_a, taken_b = await a.next("taken"), await b.next("taken")
                assert taken_a["mine"] != taken_b["mine"]
                owner = a if taken_a["mine"] else b
            # A watch offline during the next ticket gets it on reconnect.
            task_2 = (await asyncio.to_thread(post_ticket, second, kiosk_token, "A002"))["task"]
            async with Watch(second, tokens[0]) as back:
                assert (await back.next("task"))["task"]["id"] == task_2
            # The owner (reconnected) talks with the customer and ends the task.
            owner_token = tokens[0] if owner is a else tokens[1]
            async with Watch(first, owner_token) as watch:
                await watch.send({"action": "start", "task": task_id})
                await watch.next("status")
                await watch.send({"action": "segment", "task": task_id, "text": "云朵布艺沙发我不考虑"})
                update = await watch.next("recommendations")
                bought = update["recommendations"][0]["product_id"]
                await watch.send(
                    {"action": "end", "task": task_id, "success": True, "product": bought, "preferences": []}
                )
                ended = await watch.next("ended")
            return {"task": task_id, "ended": ended, "update": update}

        seen = asyncio.run(scenario())

    assert seen["update"]["recommendations"][-1]["product"] == "云朵布艺沙发"
    assert seen["ended"]["tier"] == "very_accurate"
    feedback = TaskFeedback.objects.get(task_id=seen["task"])
    assert feedback.match_score == 1.0
    assert Task.objects.get(pk=seen["task"]).status == Task.Status.DONE
