import json, re, sys
U = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
def load(f):
    out, cur, seen = {}, None, {}
    for line in open(f):
        r = json.loads(line)
        if 'case' in r:
            seen[r['case']] = seen.get(r['case'], 0) + 1
            cur = r['case'] + '#' + str(seen[r['case']]); out[cur] = []; continue
        out.setdefault(cur, []).append(json.loads(U.sub('<uuid>', json.dumps(r))))
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
for k in sorted(set(a) | set(b), key=str):
    if a.get(k) != b.get(k):
        print('==', k); print(' NEW', a.get(k)); print(' OLD', b.get(k))
