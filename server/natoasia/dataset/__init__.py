"""The dataset pipeline: the edited Turtle sources are read (:mod:`.sources`), checked (:mod:`.checks`),
reasoned over (:mod:`.reasoning`) and built into the dataset's files (:mod:`.build`).

Nothing here knows about stores, HTTP or pages; what a build writes is named in :mod:`.files`.
"""
