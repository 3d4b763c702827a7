class Classifier:
    def __init__(self):
        self._tok = None

    def _lazy_load(self):
        if self._tok is None:
            from transformers import AutoTokenizer

            self._tok = AutoTokenizer.from_pretrained("bert-base-uncased")

    @property
    def tokenizer(self):
        self._lazy_load()
        return self._tok

    def classify(self, text: str) -> int:
        self._lazy_load()
        return len(self._tok(text)["input_ids"])
