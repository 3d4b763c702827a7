variable "image_tag" {
  type = string
}

variable "orders_port" {
  type    = number
  default = 8080
}
