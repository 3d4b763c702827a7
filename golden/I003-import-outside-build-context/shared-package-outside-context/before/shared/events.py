ORDER_PAID = "order.paid"
