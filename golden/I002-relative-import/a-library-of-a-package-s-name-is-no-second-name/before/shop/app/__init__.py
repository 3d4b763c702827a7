from .version import VERSION  # re-exported
