"""SalesCard: the project package and the smart card (the product's front door)."""

from salescard.celery import app as celery_app

__all__ = ["celery_app"]
