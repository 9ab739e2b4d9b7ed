"""Benchmark: does every recommendation stay inside its organisation and lines of business? (issue 19)

On a fresh database with the demo data (two companies: a bank and a furniture retailer), with the intent engine
trained per organisation as ``make run`` does, it opens every demo card as each of its customers and as a visitor,
and takes queue tickets at every demo branch, and counts what belongs where:

- greeting: the product the greeting names;
- top-3 intents: the intended products the card lists first;
- products tab: every product the card lists, in order;
- cases: every case the card shows (its product or category);
- branch top-3: the recommendations of the task a ticket creates, for each kind of business asked.

A product is right when it belongs to the card's (branch's) organisation and to the salesperson's (branch's) lines
of business (every line of the organisation when none are set). Target 100 % everywhere. It also prints the intent
engine's held-out accuracy per organisation beside the popularity baseline, from the version rows training wrote.

Run: .venv/bin/python bench/bench_org_coherence.py [--customers 400] [--links 8]
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import defaultdict
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import set_up_demo_database  # noqa: E402

BUSINESSES = ("理财", "存款", "基金", "保险", "信用卡", "贷款", "")


class Tally:
    def __init__(self) -> None:
        self.right: dict[tuple[str, str], int] = defaultdict(int)
        self.total: dict[tuple[str, str], int] = defaultdict(int)
        self.wrong: list[str] = []

    def count(self, organisation: str, what: str, ok: bool, detail: str) -> None:
        self.total[organisation, what] += 1
        self.right[organisation, what] += int(ok)
        if not ok and len(self.wrong) < 20:
            self.wrong.append(f"{organisation} · {what}: {detail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--links", type=int, default=8, help="customer links opened per card")
    args = parser.parse_args()
    set_up_demo_database(args.customers)

    from django.core.management import call_command

    from branch.analysis import analyse_task
    from branch.models import Branch
    from branch.tickets import take_ticket
    from crm.models import Case, Customer
    from crm.tenancy import lines_of, products_for
    from intent.models import IntentModelVersion
    from salescard.cards import create_lead, issue_link
    from salescard.models import CardLink, SmartCard
    from salescard.services import assemble_card

    with redirect_stdout(io.StringIO()):  # the commands print log-ins and links for a person
        call_command("ensure_demo_cards", verbosity=0)
        call_command("ensure_demo_branch", verbosity=0)
        call_command("train_intent", "--no-progress", verbosity=0)
    tally = Tally()

    def case_ok(case: Case, allowed_categories: set[int], organisation_id: int) -> bool:
        if case.organisation_id != organisation_id:
            return False
        category = case.product.category_id if case.product_id else case.category_id
        return category is None or category in allowed_categories

    for card in SmartCard.objects.select_related("salesperson", "organisation").order_by("pk"):
        org = card.organisation.name
        allowed = products_for(card.organisation, lines_of(card.salesperson), on_sale=False)
        allowed_products = set(allowed.values_list("pk", flat=True))
        allowed_categories = set(allowed.values_list("category_id", flat=True))
        links = list(CardLink.objects.filter(card=card, customer__isnull=False).order_by("pk")[: args.links])
        customers_without_link = Customer.objects.filter(owner=card.salesperson).exclude(
            pk__in=[link.customer_id for link in links]
        )
        for customer in customers_without_link.order_by("pk")[: max(0, args.links - len(links))]:
            links.append(issue_link(card, customer))
        # A visitor of the public link who agrees to the consent notice and becomes a lead with no history.
        links.append(create_lead(issue_link(card), name="访客", usage_consent=True))
        for link in links:
            assembled = assemble_card(link)
            greeted = assembled.conversation.product_id
            if greeted is not None:
                tally.count(org, "greeting", greeted in allowed_products, f"card {card} greets with product {greeted}")
            for entry in [e for e in assembled.products if e.intended][:3]:
                tally.count(org, "top-3 intents", entry.product.pk in allowed_products, f"{card}: {entry.product}")
            for entry in assembled.products:
                tally.count(org, "products tab", entry.product.pk in allowed_products, f"{card}: {entry.product}")
            for case in assembled.cases:
                ok = case_ok(case, allowed_categories, card.organisation_id)
                tally.count(org, "cases", ok, f"{card}: case {case}")

    for branch in Branch.objects.select_related("organisation").order_by("pk"):
        org = branch.organisation.name
        allowed_products = set(
            products_for(branch.organisation, branch.lines_of_business, on_sale=False).values_list("pk", flat=True)
        )
        phones = list(
            Customer.objects.filter(organisation=branch.organisation)
            .exclude(phone="")
            .order_by("pk")
            .values_list("phone", flat=True)[: len(BUSINESSES)]
        )
        for index, business in enumerate(BUSINESSES):
            phone = phones[index] if index < len(phones) else ""
            taken = take_ticket(branch, number=f"Z{index:03d}", phone=phone, business=business)
            task = analyse_task(taken.task.pk) or taken.task
            task.refresh_from_db()
            for item in task.recommendations[:3]:
                ok = item.get("product_id") in allowed_products
                tally.count(org, "branch top-3", ok, f"{branch} «{business}»: {item.get('product')}")

    print("\nWhat belongs to the right organisation and lines of business (target 100 %)")
    print(f"{'organisation':<16} {'what':<15} {'right':>7} {'total':>7} {'share':>8}")
    for (organisation, what), total in sorted(tally.total.items()):
        right = tally.right[organisation, what]
        print(f"{organisation:<16} {what:<15} {right:>7} {total:>7} {right / total:>8.1%}")
    overall = sum(tally.right.values()) / max(1, sum(tally.total.values()))
    print(f"overall: {overall:.1%} of {sum(tally.total.values())} recommendations")
    for line in tally.wrong:
        print("  wrong:", line)

    print("\nIntent engine per organisation (held-out split of its own customers)")
    for version in IntentModelVersion.objects.select_related("organisation").order_by("organisation__name", "pk"):
        metrics = version.metrics or {}
        print(
            f"{version.organisation.name:<16} {version.version:<28} active={version.is_active!s:<5} "
            f"IntentNet {_figures(metrics.get('intentnet'))}  popularity {_figures(metrics.get('popularity'))}"
        )


def _figures(metrics: dict | None) -> str:
    metrics = metrics or {}
    return ", ".join(f"{k} {metrics[k]:.3f}" for k in ("hr@1", "hr@3", "ndcg@3") if k in metrics) or "—"


if __name__ == "__main__":
    main()
