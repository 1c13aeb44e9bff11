"""Which columns of the ``calc deals`` table stay when the terminal is narrow.

Headers as the table prints them, most important first: past the terminal's width the last ones
are left out (``calc deals --help`` lists them). ``WRAP`` gives the text columns that wrap, and
the width [characters] they wrap at (a deal id after an underscore, a range after its dash,
'cloud-contract' after its hyphen).
"""

DEALS = ("deal", "buyer", "amount", "provider", "kind", "announced", "GW", "counted?", "qualifier",
         "source", "term yr", "per year", "status", "chips", "accelerator", "implied GW",
         "per GW", "implied chips", "payer", "payee", "basis")
TOTALS = ("buyer", "deals counted", "payments firm", "payments up to", "GW firm", "GW up to",
          "vague low", "vague high", "builders' capex", "builders' capex up to",
          "investment received", "investment up to",
          "guarantees", "reports")
WRAP = {"deal": 24, "provider": 20, "kind": 10, "amount": 7, "counted?": 24, "payer": 12,
        "payee": 12}
KEEP = 3                    # the first columns shown however narrow the terminal
