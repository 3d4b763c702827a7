module "orders" {
  source         = "./modules/ecs-service"
  image          = "ghcr.io/acme/orders-api:${var.image_tag}"
  container_port = var.orders_port
}
