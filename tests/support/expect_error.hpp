// Error checks shared by the tests: the exception's class and its exact NumPy-worded message
// (expect_error), or a regular expression the message must contain (expect_error_matching).
#pragma once
#include <gtest/gtest.h>

#include <regex>
#include <string>

template <class E, class F>
void expect_error(F&& f, const std::string& msg) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected: " << msg;
  } catch (const E& e) {
    EXPECT_EQ(std::string(e.what()), msg);
  }
}

template <class E, class F>
void expect_error_matching(F&& f, const std::string& pattern) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected " << pattern;
  } catch (const E& e) {
    EXPECT_TRUE(std::regex_search(e.what(), std::regex(pattern))) << e.what();
  }
}
