# Drives `genegym serve --replicas 2` (HAProxy in front) with the reference ORS client, unchanged.
import asyncio, sys, json
from ors.client import ORS, AsyncORS, ToolCallError

base = sys.argv[1]
results = []
def check(name, ok, detail=""):
    results.append((name, ok))
    print(("ok   " if ok else "FAIL ") + name + ((" — " + detail) if detail else ""))

client = ORS(base_url=base)
envs = [e for e in ("arithmetic", "genome-qa", "case-studies")]
for name in envs:
    env = client.environments.get(name=name)
    splits = env.list_splits()
    n = env.num_tasks("test")
    tools = env.list_tools(format="openai")
    check(f"{name}: discovery (splits {[getattr(s,'name',s) for s in splits]}, {n} test tasks, {len(tools)} tools)", n > 0 and len(tools) > 0)

arith = client.environments.get(name="arithmetic")
task = arith.get_task("test", 0)
with arith.session(task=task) as s:
    p = s.get_prompt()
    out = s.call_tool("calculator", {"expression": "2+2"}) if any(t.name == "calculator" for t in s.list_tools()) else None
    check("arithmetic: prompt + calculator through HAProxy", bool(p) and out is not None, out.blocks[0].text[:40] if out else "")
    r = s.call_tool("answer", {"answer": "-123456789"})
    check("arithmetic: wrong answer gets reward 0, finished", r.reward == 0 and r.finished)

gq = client.environments.get(name="genome-qa")
with gq.session(split="test", index=0) as s:
    p = s.get_prompt()
    names = [t.name for t in s.list_tools()]
    r = s.call_tool("web_search", {"query": "chr1 GC content"})
    check("genome-qa: split/index session, web_search", "web_search" in names and len(r.blocks) > 0, str(names))
    r = s.call_tool("submit_answer", {"answer": "no idea", "explanation": "a guess"})
    check("genome-qa: submit_answer finishes with reward 0", r.finished and r.reward == 0.0)

cs = client.environments.get(name="case-studies")
with cs.session(split="test", index=0) as s:
    p = s.get_prompt()
    r = s.call_tool("run_bash", {"command": "ls /workspace | head -3; echo $((6*7))"})
    check("case-studies: run_bash in the sandbox through HAProxy", "42" in r.blocks[0].text, r.blocks[0].text[-60:])

# Many concurrent sessions so both replicas serve some; each session's calls must stay on its replica.
async def many(k):
    ac = AsyncORS(base_url=base)
    env = ac.environments.get(name="arithmetic")
    async def one(i):
        task = await env.get_task("test", i % 5)
        async with env.session(task=task) as s:
            for _ in range(3):
                await s.call_tool("calculator", {"expression": f"{i}*3"})
            r = await s.call_tool("answer", {"answer": "0"})
            return r.finished
    done = await asyncio.gather(*[one(i) for i in range(k)])
    pass
    return done
done = asyncio.run(many(40))
check(f"40 concurrent async sessions, 4 calls each, all finished", all(done), f"{sum(done)}/40")
client.close()
bad = [n for n, ok in results if not ok]
print(f"{len(results) - len(bad)}/{len(results)} checks passed")
sys.exit(1 if bad else 0)
