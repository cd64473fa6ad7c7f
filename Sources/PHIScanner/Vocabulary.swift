// Vocabulary: the built-in context words per PHI type (the MRN words and the health-term dictionary
// are configurable; these are not). A trailing `*` matches longer words too.

enum Vocabulary {
    static let ssn = ["ssn", "ssn#", "ss#", "ss #", "social security", "soc sec", "soc. sec", "social sec*"]
    static let npi = ["npi", "national provider", "provider id", "provider number", "prescriber", "rendering provider",
                      "billing provider", "attending"]
    static let dea = ["dea", "dea#", "prescriber", "registration", "controlled substance*", "schedule ii"]
    static let mbi = ["mbi", "medicare", "beneficiary", "hicn", "cms"]
    static let icd10 = ["icd", "icd-10", "icd10", "icd-10-cm", "dx", "ddx", "diagnos*", "diag", "medical condition", "chronic condition",
                        "assessment", "impression", "hx", "problem list", "billing code*"]
    static let birth = ["dob", "d.o.b", "date of birth", "birth date", "birthdate", "born", "birthday", "bday",
                        "b-day", "date of b"]
    static let card = ["card", "visa", "mastercard", "master card", "amex", "american express", "discover", "jcb",
                       "diners", "credit", "debit", "cc", "cc#", "exp", "expir*", "cvv", "cvc", "payment"]
    static let phone = ["phone", "tel", "telephone", "call", "cell", "mobile", "fax", "ph", "contact", "pager",
                        "reach me", "text me", "office", "direct", "cell#", "ext"]
    /// Words that say a number is a business reference, not PHI (used only when no positive word is near).
    static let numberNoise = ["order", "order#", "invoice", "inv", "tracking", "track", "ref", "reference",
                              "confirmation", "conf", "po", "p.o", "account", "acct", "serial", "sku", "ticket",
                              "shipment", "isbn", "transaction", "txn", "receipt", "build", "version", "ver",
                              "part", "model", "item", "lot", "batch", "awb", "waybill", "timestamp", "epoch",
                              "id:", "uuid", "session", "job", "request"]
    static let defaultMRNContext = ["MRN", "MRN#", "MR#", "medical record number", "medical record", "med rec",
                                    "med rec #", "patient id", "patient #", "patient no", "patient number",
                                    "chart #", "chart no", "chart number", "record #", "record number",
                                    "hospital number", "unit number"]
}
