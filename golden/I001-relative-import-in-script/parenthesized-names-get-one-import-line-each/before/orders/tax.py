VAT = 0.2
