"""Worker: Celery tasks that score windows on the inference server and publish results."""
