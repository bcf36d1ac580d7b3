"""streaming: placeholder until DStreams land in sparkcli (then: a queueStream word count)."""

if __name__ == "__main__":
    print("skipped: DStreams not implemented yet")
