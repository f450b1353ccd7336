"""The demo province of Lam Sơn (invented): ``canhgac demo`` and ``canhgac serve --demo`` load it.

``province`` lists the units, ``addresses``, ``people`` and ``inventory`` invent their netblocks, contacts and
hosts, ``build`` turns all of it into rows for a seed, and ``loading`` writes them through the importer.

The address space is real (Vietnamese prefixes, see ``data/vn_prefixes.txt``) and so may be the names under
lamson.gov.vn: the demo is for looking at, never a target list for scans or a mailing list.
"""
