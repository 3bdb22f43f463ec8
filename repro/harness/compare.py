import json, sys
for m in ('async', 'sync'):
    for r in ('lit', 'real'):
        n = json.load(open(f'/tmp/atkH3/new_{m}_{r}.json')); o = json.load(open(f'/tmp/atkH3/old_{m}_{r}.json'))
        for k in sorted(set(n) | set(o)):
            a, b = n.get(k), o.get(k)
            if a != b:
                sa, sb = json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True)
                if len(sa) > 600: sa = sa[:600] + '...'
                if len(sb) > 600: sb = sb[:600] + '...'
                print(f'== {m} {r} {k}\n NEW {sa}\n OLD {sb}')
