"""Entity pools (cities, people, currencies, tickers, messages, ...) split into train and test halves.

Test cases draw only from the test half, so no test text can be reached by memorising the
entities seen in training; the split is a fixed rule on list position, not a random draw.
"""
from __future__ import annotations

from dataclasses import dataclass

# (name as written, acceptable aliases, IATA code or "")
CITIES: list[tuple[str, tuple[str, ...], str]] = [
    ("Paris", ("Paris, France",), "CDG"), ("Tokyo", ("Tokyo, Japan",), "HND"),
    ("New York", ("New York City", "NYC", "New York, NY"), "JFK"), ("London", ("London, UK",), "LHR"),
    ("Berlin", ("Berlin, Germany",), "BER"), ("Madrid", ("Madrid, Spain",), "MAD"),
    ("Rome", ("Rome, Italy",), "FCO"), ("Sydney", ("Sydney, Australia",), "SYD"),
    ("Toronto", ("Toronto, Canada",), "YYZ"), ("Chicago", ("Chicago, IL",), "ORD"),
    ("Mumbai", ("Mumbai, India", "Bombay"), "BOM"), ("São Paulo", ("Sao Paulo", "São Paulo, Brazil"), "GRU"),
    ("Cairo", ("Cairo, Egypt",), "CAI"), ("Seoul", ("Seoul, South Korea",), "ICN"),
    ("Amsterdam", ("Amsterdam, Netherlands",), "AMS"), ("Lisbon", ("Lisbon, Portugal",), "LIS"),
    ("Dublin", ("Dublin, Ireland",), "DUB"), ("Vienna", ("Vienna, Austria",), "VIE"),
    ("Zürich", ("Zurich", "Zürich, Switzerland"), "ZRH"), ("Oslo", ("Oslo, Norway",), "OSL"),
    ("Stockholm", ("Stockholm, Sweden",), "ARN"), ("Helsinki", ("Helsinki, Finland",), "HEL"),
    ("Athens", ("Athens, Greece",), "ATH"), ("Istanbul", ("Istanbul, Turkey",), "IST"),
    ("Dubai", ("Dubai, UAE",), "DXB"), ("Singapore", (), "SIN"),
    ("Bangkok", ("Bangkok, Thailand",), "BKK"), ("Hong Kong", (), "HKG"),
    ("Los Angeles", ("LA", "Los Angeles, CA"), "LAX"), ("San Francisco", ("SF", "San Francisco, CA"), "SFO"),
    ("Boston", ("Boston, MA",), "BOS"), ("Seattle", ("Seattle, WA",), "SEA"),
    ("Miami", ("Miami, FL",), "MIA"), ("Denver", ("Denver, CO",), "DEN"),
    ("Mexico City", ("Ciudad de México",), "MEX"), ("Buenos Aires", ("Buenos Aires, Argentina",), "EZE"),
    ("Lima", ("Lima, Peru",), "LIM"), ("Bogotá", ("Bogota", "Bogotá, Colombia"), "BOG"),
    ("Nairobi", ("Nairobi, Kenya",), "NBO"), ("Cape Town", ("Cape Town, South Africa",), "CPT"),
    ("Marrakesh", ("Marrakech",), "RAK"), ("Prague", ("Prague, Czechia",), "PRG"),
    ("Kraków", ("Krakow", "Cracow"), "KRK"), ("Budapest", ("Budapest, Hungary",), "BUD"),
    ("Copenhagen", ("Copenhagen, Denmark",), "CPH"), ("Edinburgh", ("Edinburgh, Scotland",), "EDI"),
    ("Barcelona", ("Barcelona, Spain",), "BCN"), ("Munich", ("München",), "MUC"),
    ("Montréal", ("Montreal",), "YUL"), ("Vancouver", ("Vancouver, BC",), "YVR"),
    ("Auckland", ("Auckland, New Zealand",), "AKL"), ("Osaka", ("Osaka, Japan",), "KIX"),
    ("Hanoi", ("Hanoi, Vietnam",), "HAN"), ("Reykjavík", ("Reykjavik",), "KEF"),
    ("Austin", ("Austin, TX",), "AUS"), ("Florence", ("Firenze",), "FLR"),
    ("Porto", ("Porto, Portugal", "Oporto"), "OPO"), ("Manila", ("Manila, Philippines",), "MNL"),
    ("Santiago", ("Santiago, Chile",), "SCL"), ("Jakarta", ("Jakarta, Indonesia",), "CGK"),
]

PEOPLE = ["Maria Lopez", "James Chen", "Aisha Khan", "Tom Becker", "Priya Nair", "Lucas Moreau",
          "Emma Wilson", "Kenji Sato", "Fatima Ali", "Noah Fischer", "Olivia Brown", "Mateo García",
          "Chloe Martin", "Ivan Petrov", "Grace Kim", "Daniel Okafor", "Sofia Rossi", "Liam Murphy",
          "Hannah Schmidt", "Omar Haddad", "Zoe Clarke", "Arjun Mehta", "Lena Novak", "Ben Carter",
          "Yuki Tanaka", "Carlos Silva", "Nina Larsen", "Ethan Walsh", "Amara Obi", "Jonas Berg",
          "Isla Reid", "Mohammed Saleh", "Elena Popescu", "Ryan Ortiz", "Mei Lin", "Felix Wagner"]

DOMAINS = ["example.com", "mail.com", "work.org", "company.io", "studio.net", "post.de", "uni.edu", "team.co"]

# code: (plural name as written with an amount, singular name, symbol or "")
CURRENCIES: dict[str, tuple[str, str, str]] = {
    "USD": ("US dollars", "US dollar", "$"), "EUR": ("euros", "euro", "€"), "GBP": ("British pounds", "pound", "£"),
    "JPY": ("Japanese yen", "yen", "¥"), "CHF": ("Swiss francs", "Swiss franc", ""),
    "CAD": ("Canadian dollars", "Canadian dollar", ""), "AUD": ("Australian dollars", "Australian dollar", ""),
    "INR": ("Indian rupees", "rupee", "₹"), "CNY": ("Chinese yuan", "yuan", ""),
    "MXN": ("Mexican pesos", "Mexican peso", ""), "SEK": ("Swedish kronor", "Swedish krona", ""),
    "BRL": ("Brazilian reais", "Brazilian real", ""), "KRW": ("South Korean won", "won", "₩"),
    "SGD": ("Singapore dollars", "Singapore dollar", ""), "NZD": ("New Zealand dollars", "New Zealand dollar", ""),
    "ZAR": ("South African rand", "rand", ""), "NOK": ("Norwegian kroner", "Norwegian krone", ""),
    "TRY": ("Turkish lira", "Turkish lira", ""),
}

COMPANIES: list[tuple[str, str]] = [
    ("Apple", "AAPL"), ("Microsoft", "MSFT"), ("Alphabet", "GOOGL"), ("Amazon", "AMZN"), ("Tesla", "TSLA"),
    ("Nvidia", "NVDA"), ("Meta", "META"), ("Netflix", "NFLX"), ("Intel", "INTC"), ("IBM", "IBM"),
    ("Coca-Cola", "KO"), ("Nike", "NKE"), ("Disney", "DIS"), ("Walmart", "WMT"), ("Visa", "V"),
    ("Oracle", "ORCL"), ("Adobe", "ADBE"), ("PepsiCo", "PEP"), ("Boeing", "BA"), ("Ford", "F"),
    ("Starbucks", "SBUX"), ("AMD", "AMD"), ("Salesforce", "CRM"), ("Uber", "UBER"), ("Spotify", "SPOT"),
    ("PayPal", "PYPL"), ("Shopify", "SHOP"), ("Airbnb", "ABNB"),
]

AIRLINES = ["BA", "LH", "AF", "UA", "DL", "AA", "KL", "EK", "QF", "SQ", "NH", "IB", "AZ", "TK", "AC", "LX"]

EVENT_TITLES = ["Dentist", "Team sync", "Budget review", "Lunch with Priya", "Yoga class", "Project kickoff",
                "Parent-teacher meeting", "Quarterly planning", "Car service", "Book club", "1:1 with manager",
                "Design review", "Haircut", "Board meeting", "Sprint retro", "Doctor's appointment",
                "Piano lesson", "Client call", "Gym session", "Interview prep", "Coffee with Sam",
                "Hackathon demo", "Vet appointment", "Marketing sync", "Tax consultation", "Movie night",
                "Guitar lesson", "Product demo", "Dinner with the Parks", "Team lunch", "Eye exam", "All-hands"]

PLACES = ["Room 4B", "the main office", "Café Central", "the library", "Conference room A", "Zoom",
          "the community hall", "Building 2", "the downtown clinic", "the boardroom", "the school gym",
          "the studio"]

TASKS = ["call mom", "take my medication", "water the plants", "pay the electricity bill", "submit the report",
         "buy milk", "pick up the kids", "book a dentist appointment", "stretch", "renew my passport",
         "feed the cat", "back up my laptop", "send the invoice", "charge my phone", "check the oven",
         "walk the dog", "return the library books", "call the landlord", "order printer ink",
         "move the car", "email the accountant", "cancel the gym trial", "bring the umbrella", "defrost the chicken",
         "take out the recycling", "call grandpa", "stand up and stretch", "buy a birthday card", "drink some water",
         "lock the bike", "review the slides", "pay the nanny"]

TIMER_LABELS = ["pasta", "laundry", "tea", "oven", "pizza", "study break", "nap", "rice", "bread", "workout",
                "meditation", "cookies"]

MUSIC = ["Kind of Blue", "Bohemian Rhapsody", "lo-fi hip hop", "Taylor Swift", "Beethoven's Fifth Symphony",
         "classic rock", "my workout playlist", "Daft Punk", "bossa nova", "Adele", "the Beatles", "smooth jazz",
         "Norah Jones", "dinner party mix", "Fleetwood Mac", "Radiohead", "chill acoustic", "Bach cello suites",
         "90s hip hop", "Billie Eilish", "reggae classics", "Coldplay", "rainy day jazz", "ABBA"]

MESSAGES = ["Running 10 minutes late", "Dinner is at 7", "The build is green again", "Call me when you land",
            "Meeting moved to Thursday", "Happy birthday!", "I left the keys under the mat", "Can you grab bread?",
            "Deploy finished", "See you at the station", "The package arrived", "Don't forget the tickets",
            "Server maintenance tonight at 10", "Lunch is on me today", "Traffic is terrible, start without me",
            "Great job on the launch", "The office is closed tomorrow", "Please review the draft",
            "Flight landed safely", "Standup is cancelled", "Bring your laptop charger", "Payment received, thanks",
            "New hires start Monday", "The wifi password changed", "Happy anniversary, love you",
            "The printer is fixed", "Pick you up at 8", "Tests are failing on main", "I'm outside",
            "Can we move our call to 3pm?", "The vote passed", "Snacks in the kitchen", "Your order is ready",
            "Remember to bring ID", "We won the pitch!", "Leaving work now"]

SUBJECTS = ["Q3 report", "Trip itinerary", "Invoice 2041", "Team offsite", "Welcome aboard", "Project update",
            "Dinner plans", "Contract draft", "Holiday schedule", "Budget questions", "Meeting notes",
            "Launch checklist", "Rent receipt", "Weekend hike", "Code review", "Interview feedback",
            "Quarterly numbers", "Party on Saturday", "Visa documents", "Onboarding plan", "Conference talk",
            "Lease renewal", "Vendor quote", "Photo album"]

CHANNELS = ["general", "engineering", "random", "marketing", "ops-alerts", "design", "sales", "support",
            "team-berlin", "releases", "hr-announcements", "data-science", "frontend", "incidents"]

NOTES = ["rent", "dinner last night", "concert tickets", "birthday gift", "March invoice", "car repair",
         "shared groceries", "holiday flat", "tuition", "loan repayment", "wedding present", "taxi fare"]


@dataclass(frozen=True)
class Pools:
    """Entity lists for one side of the split ("train" or "test")."""

    side: str

    def pick(self, items: list) -> list:
        """Every fourth item (from the third) goes to test; the rest to train."""
        test = self.side == "test"
        return [item for index, item in enumerate(items) if (index % 4 == 2) == test]

    @property
    def cities(self):
        return self.pick(CITIES)

    @property
    def people(self):
        return self.pick(PEOPLE)

    @property
    def companies(self):
        return self.pick(COMPANIES)

    @property
    def airlines(self):
        return AIRLINES  # two letters plus random digits: the flight numbers themselves differ

    @property
    def currencies(self):
        return list(CURRENCIES)  # too few to split; amounts and pairings differ

    def __getattr__(self, name: str):
        pools = {"event_titles": EVENT_TITLES, "places": PLACES, "tasks": TASKS, "timer_labels": TIMER_LABELS,
                 "music": MUSIC, "messages": MESSAGES, "subjects": SUBJECTS, "channels": CHANNELS,
                 "notes": NOTES, "domains": DOMAINS}
        if name in pools:
            return self.pick(pools[name])
        raise AttributeError(name)
