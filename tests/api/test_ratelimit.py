"""Per-identity limits that do not depend on time: searches in progress at once."""

from __future__ import annotations

import asyncio

from api.ratelimit import ConcurrencyLimiter


def test_searches_in_progress_are_capped_per_identity() -> None:
    # Audit M2: a burst of 60 searches allowed by the rate limiter all ran at once on Elasticsearch.
    async def scenario() -> tuple[int, int]:
        limiter = ConcurrencyLimiter(4)
        release = asyncio.Event()
        running = {"alice": 0, "bob": 0}
        peak = {"alice": 0, "bob": 0}

        async def search(who: str) -> None:
            async with limiter.hold(f"token:{who}"):
                running[who] += 1
                peak[who] = max(peak[who], running[who])
                await release.wait()
                running[who] -= 1

        tasks = [asyncio.create_task(search("alice")) for _ in range(10)]
        tasks.append(asyncio.create_task(search("bob")))
        for _ in range(20):
            await asyncio.sleep(0)
        during = (running["alice"], running["bob"])
        release.set()
        await asyncio.gather(*tasks)
        assert peak["alice"] == 4 and limiter._slots == {}
        return during

    assert asyncio.run(scenario()) == (4, 1)  # alice waits for her own slots; bob is not held up by her
