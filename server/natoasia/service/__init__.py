"""The running service: the Flask application that joins the endpoint and the site (:mod:`.app`), and
gunicorn serving it (:mod:`.server`) with HTTP workers that read each request under a deadline
(:mod:`.http_worker`).
"""
