"""Finance intents: currency conversion, exchange rates, stock prices, bank transfers, loans, savings."""
from __future__ import annotations

from toolshop_gen import phrasing as ph
from toolshop_gen import values as v
from toolshop_gen.intent import Draw, Intent, Value, held, plain, val


def _money(rng, pools, draw: Draw, code_arg: str, slot: str = "money", amount=None, code=None) -> str:
    code = code or rng.choice(pools.currencies)
    amount = amount if amount is not None else ph.random_amount(rng)
    draw.values["amount"] = v.number_value(amount)
    draw.values[code_arg] = val(code)
    draw.say(slot, ph.money_text(rng, amount, code), "amount", code_arg)
    return code


def convert(rng, pools) -> Draw:
    draw = Draw()
    source = _money(rng, pools, draw, "from_currency")
    target = rng.choice([c for c in pools.currencies if c != source])
    return draw.arg("to_currency", val(target), ph.currency_text(rng, target), slot="to")


CONVERT = Intent(
    "money.convert", "convert_currency", convert, capability="convert currencies",
    templates=tuple(plain(
        "Convert {money} to {to}.",
        "How much is {money} in {to}?",
        "What do I get for {money} in {to}?",
        "I have {money}. How much is that in {to}?",
        "Change {money} into {to}, please.",
        "Please work out {money} in {to}.",
    ) + held(
        "If I exchange {money} for {to}, what do I end up with?",
        "{money} to {to}: how much?",
    )),
    parallel=tuple(plain("Convert {money} into {to_1} and into {to_2}.",
                         "How much is {money_1} in {to_1}, and {money_2} in {to_2}?")
                   + held("What's {money} worth in {to_1}, {to_2} and {to_3}?")),
)


def rate(rng, pools) -> Draw:
    base, quote = rng.sample(pools.currencies, 2)
    draw = Draw().arg("base", val(base), base).arg("quote", val(quote), quote)
    draw.say("base_sg", ph.currency_text(rng, base, singular=True), "base")
    draw.say("quote_pl", ph.currency_text(rng, quote), "quote")
    date_text, date_val, _ = v.date_value(rng)
    return draw.arg("date", date_val, date_text)


RATE = Intent(
    "money.rate", "get_exchange_rate", rate, capability="look up exchange rates", identity=("base", "quote"),
    templates=tuple(plain(
        "What's the exchange rate from {base} to {quote}?",
        "What's the {base}/{quote} rate today?",
        "How many {quote_pl} does one {base_sg} buy right now?",
        "What was the {base} to {quote} rate on {date}?",
        "Give me the current {base} vs {quote} exchange rate.",
        "Exchange rate {base} to {quote} on {date}, please.",
    ) + held(
        "Rate check: {base} against {quote}.",
        "How strong was the {base_sg} against {quote_pl} on {date}?",
    )),
    parallel=tuple(plain("What are the {base} exchange rates against {quote_1} and {quote_2}?")
                   + held("Rates please: {base_1} to {quote_1}, and {base_2} to {quote_2}.")),
)


def stock(rng, pools) -> Draw:
    name, symbol = rng.choice(pools.companies)
    text = rng.choice([f"{name} ({symbol})", symbol, f"{symbol} ({name})"])
    return Draw().arg("symbol", val(symbol), symbol).say("company", text, "symbol")


STOCK = Intent(
    "money.stock", "get_stock_price", stock, capability="look up stock prices", identity=("symbol",),
    templates=tuple(plain(
        "What's {company} trading at?",
        "Get me the latest share price for {symbol}.",
        "How is {company} stock doing today?",
        "Quote for {symbol}, please.",
        "What's the price of one {symbol} share?",
        "Stock price of {company}?",
    ) + held(
        "Check the ticker {symbol} for me.",
        "I'm thinking about buying {company}. What's the price right now?",
    )),
    parallel=tuple(plain("Get prices for {symbol_1}, {symbol_2} and {symbol_3}.",
                         "How are {company_1} and {company_2} trading?")
                   + held("Compare the share prices of {company_1} and {company_2}.")),
)


def transfer(rng, pools) -> Draw:
    draw = Draw()
    code = rng.choice(["USD", "USD", "USD", "EUR", "GBP", "CAD"])
    _money(rng, pools, draw, "currency", amount=float(rng.choice([25, 40, 50, 60, 75, 100, 120, 200, 250, 300,
                                                                  450, 500, 800, 1200])), code=code)
    name = rng.choice(pools.people)
    account = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([8, 10, 12])))
    draw.values["recipient"] = Value([{"name": [name], "account": [account]}], {"name": name, "account": account})
    draw.say("name", name, "recipient").say("account", account, "recipient")
    source = rng.choice(["checking", "savings"])
    draw.arg("from_account", val(source), rng.choice([f"{source} account", source]))
    note = rng.choice(pools.notes)
    return draw.arg("note", val(note), v.quoted(rng, note))


TRANSFER = Intent(
    "money.transfer", "transfer_money", transfer, capability="send bank transfers", identity=("recipient",),
    templates=tuple(plain(
        "Send {money} to {name}, account {account}.",
        "Transfer {money} from my {from_account} to {name} (account {account}).",
        "Pay {name} {money}; their account number is {account}. Note: {note}.",
        "Wire {money} to account {account}, owner {name}, with the memo {note}.",
        "Move {money} out of my {from_account} to {name}'s account {account}.",
        "Bank transfer: {money} to {name}, acct {account}.",
    ) + held(
        "Please pay {money} into account {account} for {name}.",
        "I owe {name} {money} for {note}. Their account is {account}; send it from {from_account}.",
    )),
    parallel=tuple(plain("Send {money} to {name_1} (account {account_1}) and the same to {name_2} (account {account_2}).")
                   + held("Pay {name_1} {money_1} at account {account_1}, and {name_2} {money_2} at account {account_2}.")),
)


def _principal_text(rng, amount: int) -> str:
    options = [f"${amount:,}", f"{amount} dollars", f"${amount}", str(amount)]
    if amount % 1000 == 0:
        options.append(f"${amount // 1000}k")
    return rng.choice(options)


def _rate_text(rng, percent: float) -> str:
    shown = f"{percent:g}"
    return rng.choice([f"{shown}%", f"{shown} percent", f"{shown}% a year", f"an annual rate of {shown}%"])


def loan(rng, pools) -> Draw:
    principal = rng.choice([5000, 8000, 12000, 15000, 20000, 25000, 35000, 150000, 220000, 300000, 450000])
    percent = rng.choice([2.9, 3.5, 3.75, 4, 4.25, 4.5, 5, 5.5, 6, 6.2, 7, 7.9, 8.5, 9])
    years = rng.choice([3, 4, 5, 7, 10, 15, 20, 25, 30])
    draw = Draw().arg("principal", v.number_value(float(principal)), _principal_text(rng, principal))
    draw.arg("annual_rate_percent", v.number_value(float(percent)), _rate_text(rng, percent), slot="rate")
    draw.arg("years", val(years), ph.count_text(rng, years, "year"))
    return draw.say("years_adj", ph.hyphen_count(rng, years, "year"), "years")


LOAN = Intent(
    "loans.payment", "calculate_loan_payment", loan, capability="calculate loan payments",
    templates=tuple(plain(
        "What would the monthly payment be on a {principal} loan at {rate} over {years}?",
        "Calculate payments for borrowing {principal} for {years} at {rate} interest.",
        "I'm taking a {years_adj} mortgage of {principal} at {rate}. What's the monthly cost?",
        "Loan: {principal}, {rate}, {years}. What's the payment?",
        "How much per month to repay {principal} over {years} at {rate}?",
    ) + held(
        "If I borrow {principal} at {rate} for {years}, how much do I pay each month?",
        "Work out my car loan payment: {principal} at {rate}, paid back over {years}.",
    )),
    parallel=tuple(plain("Compare monthly payments on {principal} at {rate} for {years_1} versus {years_2}.")
                   + held("What's the monthly payment on {principal} over {years} at {rate_1}, and at {rate_2}?")),
)


def savings(rng, pools) -> Draw:
    draw = loan(rng, pools)
    freq = rng.choice([1, 4, 12, 365])
    words = {1: ["annually", "yearly", "once a year"], 4: ["quarterly"], 12: ["monthly"], 365: ["daily"]}[freq]
    return draw.arg("compounds_per_year", val(freq), rng.choice(words), slot="freq")


SAVINGS = Intent(
    "loans.savings", "calculate_compound_interest", savings, capability="project savings growth",
    templates=tuple(plain(
        "How much will {principal} grow to at {rate} over {years}?",
        "If I invest {principal} at {rate}, compounded {freq}, what will I have after {years}?",
        "Compound interest on {principal} for {years} at {rate}.",
        "What's {principal} worth after {years} in a savings account paying {rate}?",
        "Future value of {principal} saved for {years} at {rate}, compounding {freq}?",
    ) + held(
        "Project my savings: {principal} deposited at {rate}, compounded {freq}, for {years}.",
        "My {principal} sits at {rate} for {years}. What's the final balance?",
    )),
    parallel=tuple(plain("How much does {principal} grow to at {rate} after {years_1}, and after {years_2}?")
                   + held("Savings growth for {principal} at {rate_1} versus {rate_2}, {years} each.")),
)

INTENTS = [CONVERT, RATE, STOCK, TRANSFER, LOAN, SAVINGS]
