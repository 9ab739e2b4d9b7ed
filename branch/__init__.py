"""Branch clienteling (SPEC B1–B8): branches, queue tickets, wearables and their tasks."""
