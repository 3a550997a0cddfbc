"""`Framework.params`: each param's value after overrides, typed as declared, so a condition
param reads True/False (not 1.0/0.0) and the dict can be passed back as `params=`."""

from dtiscore import loads

TEXT = """framework p "P" {
    max 10
    param strict = true
    param goal = 0.5
    param lenient = not strict
    input x number "X"
    criterion c "C" max 10 {
        award when (strict and x >= goal) or (lenient and x >= 0)
    }
}
"""


def test_a_condition_param_is_a_bool_and_a_number_param_a_float():
    params = loads(TEXT).params
    assert params == {"strict": True, "goal": 0.5, "lenient": False}
    assert params["strict"] is True and params["lenient"] is False
    assert type(params["goal"]) is float


def test_overrides_show_as_given_and_the_dict_goes_back_into_params():
    fw = loads(TEXT, params={"strict": False, "goal": 2})
    assert fw.params == {"strict": False, "goal": 2.0, "lenient": True}
    assert fw.params["lenient"] is True
    again = loads(TEXT, params=fw.params)
    assert again.params == fw.params
    assert list(again.score({"x": [-1.0, 0.0, 3.0]}).total) == [0.0, 10.0, 10.0]
